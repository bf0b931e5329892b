// `npm run codegen` writes gql/ (git-ignored): the schema's types, one typed document per
// operation in operations.graphql, each carrying its result and variables types.
import type { CodegenConfig } from "@graphql-codegen/cli";

const config: CodegenConfig = {
  schema: "../../../schema.graphql",
  documents: ["operations.graphql"],
  generates: {
    "gql/": {
      preset: "client",
      config: {
        // Documents as strings (a TypedDocumentString): what fetch and graphql-ws send.
        documentMode: "string",
        useTypeImports: true,
        // Relative imports with their .js extension, as Node's ES modules need.
        importExtension: ".js",
        enumsAsTypes: true,
        scalars: {
          DateTime: "string",
          DateOrDateTime: "string",
          JSON: "unknown",
        },
      },
      presetConfig: {
        // The client preset's fragment masking hides fragment fields behind useFragment();
        // plain objects read better in a script.
        fragmentMasking: false,
      },
    },
  },
};

export default config;
