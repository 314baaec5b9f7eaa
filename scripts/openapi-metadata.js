#!/usr/bin/env node
/**
 * Generates apps/api/src/openapi.metadata.ts: the OpenAPI schema of every DTO and route, read from
 * the TypeScript types and class-validator decorators by @nestjs/swagger's plugin. One source of
 * truth: the validation rules are the documented rules. Run by the build and test commands.
 */
const fs = require('node:fs');
const path = require('node:path');
const { PluginMetadataGenerator } = require('@nestjs/cli/lib/compiler/plugins/plugin-metadata-generator');
const { ReadonlyVisitor } = require('@nestjs/swagger/plugin');

const root = path.resolve(__dirname, '..');
process.chdir(root);
// The generator type-checks the program, which imports this very file: start from a stub, so a file
// left by an earlier tree (naming DTO files since moved) cannot break the generation.
const output = path.join(root, 'apps/api/src/openapi.metadata.ts');
fs.writeFileSync(output, 'export default async () => ({});\n');
new PluginMetadataGenerator().generate({
  visitors: [
    new ReadonlyVisitor({
      introspectComments: true,
      classValidatorShim: true,
      dtoFileNameSuffix: ['dto.ts'],
      controllerFileNameSuffix: ['.controller.ts'],
      pathToSource: path.join(root, 'apps/api/src'),
    }),
  ],
  outputDir: path.join(root, 'apps/api/src'),
  filename: 'openapi.metadata.ts',
  tsconfigPath: 'tsconfig.build.json',
  printDiagnostics: false,
});
