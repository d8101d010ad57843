export { DEMO_DOORS, SimulatedDoorSensors } from './door-sensors';
export { openTestJournal } from './journal';
export { sealedAccessStore, TEST_MASTER_KEY, testKeyring } from './access-store';
export { type FileHit, type Needle, scanDatabaseFiles, textNeedles } from './file-scan';
export { BridgeHarness, buildBridgeFirmware } from './bridge-harness';
export { SimulatedPd } from './osdp-pd';
export { SimulatedOsdpBus } from './osdp-bus';
export { recoverKeysFromCapture } from './osdp-capture-attack';
export {
  aCardholder,
  aCardholderRecord,
  aCredential,
  aDoor,
  aGroup,
  aHoliday,
  aLevel,
  aSchedule,
  aSite,
  aZone,
  entryAndExit,
  EVERY_DAY,
  hours,
  WEEKDAYS,
} from './factories';
export {
  callCentreWeek,
  runWeek,
  type Delivery,
  type Label,
  scoreWeek,
  type Week,
  type WeekOptions,
  type WeekRun,
  type WeekScore,
} from './call-centre-week';
export {
  buildGatingClient,
  fetchWithCa,
  gatingClientAt,
  makeGatewayTls,
  pamLogin,
  type PamResult,
  setUpWorkstation,
  type Workstation,
} from './gating-host';
export { makeSecondHost, netnsProblem, type SecondHost } from './netns';
