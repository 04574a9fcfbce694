/* at-face-scan.h — face detection over a catalog's photos, as a resumable
 * background job: every photo of the projects with face processing on (or
 * of one project) that this model has not scanned yet goes through the
 * engine, on worker threads, from its cached preview (upright); its faces
 * (box, landmarks, embedding, score) and the scan itself are written in
 * one transaction, so a scan stopped anywhere resumes where it stopped. */
#pragma once

#include <gio/gio.h>

#include "at-catalog.h"
#include "at-face-engine.h"

G_BEGIN_DECLS

/* (what face_scans.model_version and faces.model_version say) */
#define AT_FACE_MODEL_VERSION "face-api-1.7.15/dlib-chip"

#define AT_TYPE_FACE_SCAN (at_face_scan_get_type ())
G_DECLARE_FINAL_TYPE (AtFaceScan, at_face_scan, AT, FACE_SCAN, GObject)

/* @library: the folder the catalog's library paths are in; @cache_dir:
 * the preview cache (NULL: the default). */
AtFaceScan *at_face_scan_new            (AtCatalog            *catalog,
                                         AtFaceEngine         *engine,
                                         const char           *library,
                                         const char           *cache_dir);
/* Only this project (id, name or number); default: every project whose
 * face processing is on. */
void        at_face_scan_set_project    (AtFaceScan           *self,
                                         const char           *project);
void        at_face_scan_set_workers    (AtFaceScan           *self,
                                         guint                 workers);
/* Signal "progress" (guint done, guint total) on the caller's context. */
void        at_face_scan_run            (AtFaceScan           *self,
                                         GCancellable         *cancellable,
                                         GAsyncReadyCallback   callback,
                                         gpointer              user_data);
/* @photos, @faces, @failed: this run's counts (a photo that cannot be read
 * is counted failed, and scanned again next time). */
gboolean    at_face_scan_run_finish     (AtFaceScan           *self,
                                         GAsyncResult         *result,
                                         guint                *photos,
                                         guint                *faces,
                                         guint                *failed,
                                         GError              **error);
/* The last photo that failed, and why; NULL if none did. */
const char *at_face_scan_get_last_error (AtFaceScan           *self);

/* The project's switch. Blocking (a catalog write). */
gboolean    at_face_scan_set_processing (AtCatalog            *catalog,
                                         const char           *project,
                                         gboolean              on,
                                         GError              **error);

/* The same on the catalog's writer thread, for the window: it does not
 * wait behind an ingest's or a sync's writes. */
void        at_face_scan_set_processing_async  (AtCatalog           *catalog,
                                                const char          *project,
                                                gboolean             on,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
gboolean    at_face_scan_set_processing_finish (AtCatalog           *catalog,
                                                GAsyncResult        *result,
                                                GError             **error);
gboolean    at_face_scan_get_processing (AtCatalog            *catalog,
                                         const char           *project_id);

G_END_DECLS
