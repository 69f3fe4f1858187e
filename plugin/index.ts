// Entry point of the Pulumi plugin package (PulumiPlugin.yaml beside it): the plugin host requires this folder, and
// its schema analyzer reads the component's TypeScript types from here. The dependencies resolve from the
// repository's node_modules (npm ci at the root), so the component and the host share one @pulumi/pulumi.
export * from "../components";
