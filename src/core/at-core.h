/* at-core.h — libatelier-core: everything Atelier does without a display.
 * Never includes GTK, GDK or libadwaita (the build checks). */
#pragma once

#include "at-catalog.h"
#include "at-catalog-report.h"
#include "at-checksum.h"
#include "at-customer.h"
#include "at-demo.h"
#include "at-ingest-error.h"
#include "at-log.h"
#include "at-ingest-job.h"
#include "at-ingest-scan.h"
#include "at-ingest-template.h"
#include "at-metadata.h"
#include "at-preview.h"
#include "at-paths.h"
#include "at-photo.h"
#include "at-photo-list.h"
#include "at-project.h"
#include "at-studio-summary.h"
#include "at-uuid.h"
#include "at-vips.h"
