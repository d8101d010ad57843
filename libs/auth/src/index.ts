export * from './roles';
export * from './password';
export * from './totp';
export * from './secrets';
export * from './secret-box';
export * from './store';
export * from './types';
export * from './auth.service';
