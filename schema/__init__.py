"""The GraphQL schema: the root types in `query`, object types in `types`, resolvers in `mediagateway.resolvers`."""
