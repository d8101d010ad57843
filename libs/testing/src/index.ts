export { DEMO_DOORS, SimulatedDoorSensors } from './door-sensors';
export { openTestJournal } from './journal';
export { BridgeHarness, buildBridgeFirmware } from './bridge-harness';
export { SimulatedPd } from './osdp-pd';
export { SimulatedOsdpBus } from './osdp-bus';
export { recoverKeysFromCapture } from './osdp-capture-attack';
