export * from './schema';
export * from './provider';
export * from './cloned-distribution';
