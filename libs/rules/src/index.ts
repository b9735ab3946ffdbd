export * from './control-plane.commands.js';
export * from './control-plane.decider.js';
export * from './control-plane.events.js';
export * from './control-plane.state.js';
export * from './control-plane.stream.js';
export * from './identifiers.js';
export * from './rules.errors.js';
export type { Violation } from './validation.js';
