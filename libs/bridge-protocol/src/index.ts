export {
  bitsToHex,
  CARD_FORMATS,
  checkCardNumber,
  encode,
  interpret,
  type Interpretation,
  toBits,
} from './card-formats';
export { decodeFrame, encodeFrame, type Frame, FrameReader } from './frames';
export { type BridgeMessage, commandFrame, type GatewayCommand, MSG, readBridgeMessage } from './messages';
