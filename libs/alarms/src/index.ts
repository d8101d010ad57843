export * from './alarm';
export * from './alarms.service';
