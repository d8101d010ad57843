export * from './model';
export * from './schedule';
export * from './index-data';
export * from './engine';
