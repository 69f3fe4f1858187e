/** The analysis room's door: queries, verdicts, Prometheus and the report (docs/analysis.md). */
export * from "./measure";
export * from "./prometheus";
export * from "./queries";
export * from "./report";
export * from "./verdict";
