export { type BoardDoor, DoorsService, type SensorHealth } from './doors.service';
export { type DoorAlarmType, type DoorPhase } from './door-machine';
