/** The model room's door: what the other rooms and components/core/index.ts may use. */
export * from "./analysis";
export * from "./canary";
export * from "./defaults";
export * from "./errors";
export * from "./gateway";
export * from "./labels";
export * from "./protocols";
export * from "./suggest";
export * from "./types";
