/** The validate room's door: what the other rooms and components/core/index.ts may use. */
export * from "./adopt";
export * from "./analysis";
export * from "./capacity";
export * from "./gateway";
export * from "./labels";
export * from "./modes";
export * from "./pods";
export * from "./read";
export * from "./routing";
export * from "./rules";
export * from "./servers";
export * from "./service";
export * from "./proxy-config";
