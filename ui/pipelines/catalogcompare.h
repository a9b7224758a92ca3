#pragma once

#include "store/catalog.h"

namespace Baton::Ui {

// Field-by-field equality of catalog records, so a poll that brings nothing new leaves the
// screens (scroll positions, graph zoom, table selection) untouched. takenAt is ignored.
bool sameProject(const ProjectInfo &a, const ProjectInfo &b);
bool sameJob(const JobInfo &a, const JobInfo &b);
bool samePipeline(const PipelineInfo &a, const PipelineInfo &b);
bool sameCatalog(const CatalogSnapshot &a, const CatalogSnapshot &b);

} // namespace Baton::Ui
