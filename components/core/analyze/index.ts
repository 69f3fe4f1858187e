/** The analyze room's door: what the other rooms and components/core/index.ts may use. */
export * from "./analyze";
export * from "./listeners";
export * from "./servers";
