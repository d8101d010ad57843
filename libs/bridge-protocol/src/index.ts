export * from './card-formats';
export * from './frames';
export * from './messages';
