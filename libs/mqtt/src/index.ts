export { brokerSecurity, type BrokerSecurity, type MqttConnectionState, MqttSensorSource } from './client';
export { type EmbeddedBroker, startEmbeddedBroker } from './embedded-broker';
export { DoorStatePublisher } from './publisher';
export { MqttDoorActuators } from './actuators';
export { journalConnectionStates, recordActuations, recordSwitchOffs } from './journaling';
