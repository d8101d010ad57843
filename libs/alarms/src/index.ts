export * from './alarm';
export * from './alarms.service';
export * from './notifier';
