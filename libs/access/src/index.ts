export * from './model';
export * from './schedule';
export * from './index-data';
export * from './engine';
export * from './schemas';
export * from './store';
export * from './access.service';
