export { type BoardDoor, DOOR_PHASE_TYPES, DoorsService, type SensorHealth } from './doors.service';
export { type DoorAlarmType, type DoorPhase } from './door-machine';
