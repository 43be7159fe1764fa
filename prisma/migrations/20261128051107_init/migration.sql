-- CreateTable
CREATE TABLE "kubeql_cluster" (
    "id" INTEGER NOT NULL,
    "revision" BIGINT NOT NULL,
    "compact_revision" BIGINT NOT NULL,

    CONSTRAINT "kubeql_cluster_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "kubeql_resource" (
    "kind" TEXT NOT NULL,
    "namespace" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "uid" UUID NOT NULL,
    "revision" BIGINT NOT NULL,
    "create_revision" BIGINT NOT NULL,
    "object" JSONB NOT NULL,

    CONSTRAINT "kubeql_resource_pkey" PRIMARY KEY ("kind","namespace","name")
);

-- CreateTable
CREATE TABLE "kubeql_change" (
    "revision" BIGINT NOT NULL,
    "kind" TEXT NOT NULL,
    "namespace" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "object" JSONB NOT NULL,
    "prev_object" JSONB,
    "prev_revision" BIGINT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "kubeql_change_pkey" PRIMARY KEY ("revision")
);

-- CreateIndex
CREATE INDEX "kubeql_resource_kind_revision_idx" ON "kubeql_resource"("kind", "revision");

-- CreateIndex
CREATE INDEX "kubeql_change_kind_namespace_name_revision_idx" ON "kubeql_change"("kind", "namespace", "name", "revision");

-- CreateIndex
CREATE INDEX "kubeql_change_created_at_idx" ON "kubeql_change"("created_at");

-- The single row of cluster-wide counters; revision 0 = empty store.
INSERT INTO "kubeql_cluster" ("id", "revision", "compact_revision") VALUES (1, 0, 0);
-- Label selectors: containment and key-existence on metadata.labels.
CREATE INDEX "kubeql_resource_labels_idx" ON "kubeql_resource" USING GIN (("object"->'metadata'->'labels') jsonb_path_ops);
-- Field selector spec.nodeName (kubelets list their own pods).
CREATE INDEX "kubeql_resource_node_name_idx" ON "kubeql_resource" ("kind", ("object"->'spec'->>'nodeName'));
