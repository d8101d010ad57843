export * from './door-machine';
