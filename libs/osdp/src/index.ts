export * from './frame';
export * from './messages';
export * from './secure';
