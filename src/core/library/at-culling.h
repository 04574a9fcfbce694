/* at-culling.h — ratings, colour labels and picks, with undo and redo. */
#pragma once

#include "at-catalog.h"
#include "at-photo.h"

G_BEGIN_DECLS

typedef enum {
  AT_FLAG_NONE,
  AT_FLAG_PICKED,
  AT_FLAG_REJECTED,
} AtFlag;

typedef enum {
  AT_CULL_RATING = 1 << 0,
  AT_CULL_LABEL  = 1 << 1,
  AT_CULL_FLAG   = 1 << 2,
} AtCullFields;

/* What a keypress asks for; only the fields named in @fields change. */
typedef struct
{
  AtCullFields fields;
  int          rating;   /* 0..5 */
  AtLabel      label;
  AtFlag       flag;
} AtCullChange;

gboolean    at_flag_parse           (const char        *name,
                                     AtFlag            *flag);
const char *at_flag_to_string       (AtFlag             flag);
AtFlag      at_cull_state_get_flag  (const AtCullState *state);
AtCullState at_cull_change_apply    (const AtCullChange *change,
                                     const AtCullState  *before);

/* Writes @n states on the catalog's writer thread, in one transaction. */
gboolean    at_culling_write_sync   (AtCatalog          *catalog,
                                     const char *const  *ids,
                                     const AtCullState  *states,
                                     guint               n,
                                     GError            **error);

#define AT_TYPE_CULLING (at_culling_get_type ())
G_DECLARE_FINAL_TYPE (AtCulling, at_culling, AT, CULLING, GObject)

AtCulling *at_culling_new      (AtCatalog          *catalog);
void       at_culling_apply    (AtCulling          *self,
                                AtPhoto *const     *photos,
                                guint               n_photos,
                                const AtCullChange *change);
gboolean   at_culling_undo     (AtCulling          *self);
gboolean   at_culling_redo     (AtCulling          *self);
gboolean   at_culling_can_undo (AtCulling          *self);
gboolean   at_culling_can_redo (AtCulling          *self);

G_END_DECLS
