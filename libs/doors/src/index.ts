export * from './door-machine';
export * from './doors.service';
