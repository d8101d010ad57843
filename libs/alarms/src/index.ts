export { type Alarm, PRIORITIES } from './alarm';
export { type AlarmSettings, AlarmsService, DEFAULT_ALARM_SETTINGS } from './alarms.service';
export { type AlarmCommentSealing, alarmCommentSealing, notificationSealing } from './comment-sealing';
export {
  type AlarmTransport,
  DeliveryError,
  formatSyslog,
  mqttTransport,
  parseRetryAfter,
  syslogTransport,
  webhookTransport,
} from './notifier';
export { type AudienceRules, documentFor, type Notification } from './notification';
export { DEFAULT_OUTBOX_SETTINGS, NotificationOutbox, type OutboxSettings } from './outbox';
export { DEFAULT_INSTRUCTIONS, instructionsFor } from './instructions';
export {
  DEFAULT_LOCK_RULES,
  lockDocumentFor,
  type WorkstationLockDocument,
  type WorkstationLockOptions,
  workstationLockTransport,
} from './workstation-lock';
