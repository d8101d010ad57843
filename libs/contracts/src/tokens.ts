/** Dependency-injection tokens for ports, so tests and simulators can swap implementations. */
export const CLOCK = Symbol('Clock');
export const EVENT_BUS = Symbol('EventBus');
export const GATEHOUSE_CONFIG = Symbol('GatehouseConfig');
export const DATABASE = Symbol('Database');
export const READ_POOL = Symbol('ReadPool');
