// Entry point of the Pulumi plugin (PulumiPlugin.yaml): the schema analyzer looks for the component's TypeScript
// source from here (package.json's main names the compiled dist/, which it cannot read). npm users get dist/.
export * from "./components";
