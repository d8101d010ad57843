export * from './alarm';
export * from './alarms.service';
export * from './notifier';
export * from './notification';
export * from './outbox';
