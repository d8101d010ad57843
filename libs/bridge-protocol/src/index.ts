export * from './card-formats';
