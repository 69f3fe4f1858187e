/** The plan room's door: what the other rooms and components/core/index.ts may use. */
export * from "./adopt";
export * from "./autoscaling";
export * from "./deployment";
export * from "./disruption";
export * from "./gateway-api";
export * from "./gateway";
export * from "./namespace";
export * from "./order";
export * from "./ownership";
export * from "./plan";
export * from "./proxy-config";
export * from "./rbac";
export * from "./restart";
export * from "./service";
