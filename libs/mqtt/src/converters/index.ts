import type { Converter, ConverterName } from '../converter';
import { generic } from './generic';
import { shellyGen1, shellyGen2 } from './shelly';
import { esphome, tasmota } from './tasmota-esphome';
import { zigbee2mqtt } from './zigbee2mqtt';

export const CONVERTER_TABLE: Record<ConverterName, Converter> = {
  zigbee2mqtt,
  'shelly-gen1': shellyGen1,
  'shelly-gen2': shellyGen2,
  tasmota,
  esphome,
  generic,
};
