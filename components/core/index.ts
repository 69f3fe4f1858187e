/**
 * The core's one door. Four rooms, imports running one way: validate → model, plan → model, analyze → plan →
 * model. Nothing outside components/core/ imports a path inside it but this file (tests/layout.test.ts).
 */
export * from "./model";
export * from "./validate";
export * from "./plan";
export * from "./analyze";
export * from "./prepare";
