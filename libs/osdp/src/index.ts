export * from './frame';
export * from './messages';
export * from './secure';
export * from './session';
export * from './cp';
export * from './redact';
