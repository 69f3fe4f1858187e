/**
 * The package schema that `pulumi package add` generates the Python, Go, .NET, Java and YAML SDKs from, produced
 * offline with the same code the Pulumi plugin host runs (ComponentProvider from @pulumi/pulumi: its analyzer
 * reads the TypeScript types of IstioGateway's args and public fields).
 */
import * as fs from "fs";
import * as path from "path";
import { ComponentProvider } from "@pulumi/pulumi/provider/experimental";
import { IstioGateway } from "../../components";
import { PROJECT_DIR } from "../engine/render-stack";

/**
 * The plugin package (`plugin/`: PulumiPlugin.yaml, its package.json and index.ts), whether this runs from tools/ or
 * from the compiled .build/tools/. It is a folder of its own because the CLI refuses one that holds both
 * PulumiPlugin.yaml and Pulumi.yaml ("detected both"), and the stacks' Pulumi.yaml stays at the root.
 */
export const PACKAGE_DIR = path.join(PROJECT_DIR, "plugin");

/** The provider name the plugin host derives from package.json's name (cmd/run-plugin): scope dropped. */
export function providerName(packageName: string): string {
  const match = /^(@.*?\/)?(.+)$/.exec(packageName);
  return (match?.[2] ?? packageName).replace(/[^-a-zA-Z0-9_]/g, "-");
}

let provider: ComponentProvider | undefined;

/** One provider per process: it analyzes the TypeScript sources once (seconds), then answers from that. */
export function packageProvider(): ComponentProvider {
  if (provider) return provider;
  const manifest = JSON.parse(fs.readFileSync(path.join(PACKAGE_DIR, "package.json"), "utf8")) as { name: string };
  provider = new ComponentProvider({ components: [IstioGateway], dirname: PACKAGE_DIR, name: providerName(manifest.name) });
  return provider;
}

/** Property of a schema object type or resource (schema.json `Property`). */
export interface SchemaProperty {
  type?: string;
  $ref?: string;
  description?: string;
  items?: SchemaProperty;
  additionalProperties?: SchemaProperty;
  plain?: boolean;
}

export interface PackageSchema {
  name: string;
  version: string;
  resources: Record<string, { description?: string; inputProperties: Record<string, SchemaProperty>; requiredInputs: string[]; properties: Record<string, SchemaProperty>; required: string[] }>;
  types: Record<string, { type: string; properties?: Record<string, SchemaProperty>; enum?: Array<{ name: string; value: string | number; description?: string }> }>;
  dependencies?: Array<{ name: string; version?: string }>;
}

export async function packageSchema(): Promise<PackageSchema> {
  return JSON.parse(await packageProvider().getSchema()) as PackageSchema;
}
