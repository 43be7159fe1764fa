// The operations a new user finds open in the IDE: what a Kubernetes user does first.
import type { GraphiQLProps } from 'graphiql';

type TabDefinition = NonNullable<GraphiQLProps['defaultTabs']>[number];

export const EXAMPLES: TabDefinition[] = [
  {
    query: `# Pods with their node and their owner, in one round trip
# (kubectl get pods -o wide, plus what owns each pod).
# No token yet? Open the key icon on the left.
query PodsWithNodeAndOwner($namespace: String = "default") {
  pods(namespace: $namespace) {
    metadata { resourceVersion }
    items {
      metadata { name creationTimestamp labels }
      status { phase podIP }
      node { metadata { name } }
      owner {
        __typename
        ... on ReplicaSet { metadata { name } }
        ... on Deployment { metadata { name } }
      }
    }
  }
}
`,
  },
  {
    query: `# kubectl get pods --watch: the current pods as ADDED, a BOOKMARK, then every change.
# Create a pod in another tab (or with kubectl-style tools) and watch it arrive here.
subscription WatchPods($namespace: String = "default") {
  watchPods(namespace: $namespace) {
    type
    object {
      metadata { name resourceVersion }
      spec { nodeName }
      status { phase }
    }
  }
}
`,
  },
  {
    query: `# kubectl apply -f deployment.yaml: the manifest goes in as JSON (see Variables).
mutation ApplyDeployment($manifest: JSON!) {
  apply(manifest: $manifest) {
    __typename
    ... on Deployment { metadata { name namespace resourceVersion generation } }
  }
}
`,
    variables: JSON.stringify(
      {
        manifest: {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: 'web', namespace: 'default', labels: { app: 'web' } },
          spec: {
            replicas: 2,
            selector: { matchLabels: { app: 'web' } },
            template: {
              metadata: { labels: { app: 'web' } },
              spec: { containers: [{ name: 'web', image: 'nginx:1.27', ports: [{ containerPort: 80 }] }] },
            },
          },
        },
      },
      null,
      2,
    ),
  },
  {
    query: `# kubectl auth whoami and kubectl auth can-i.
query WhoAmI {
  whoami { username groups }
  canCreatePods: can(verb: "create", resource: "pods", namespace: "default")
  canDeleteNodes: can(verb: "delete", resource: "nodes")
}
`,
  },
];
