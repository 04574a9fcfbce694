/* test-media.c — pixels at 100 % from an original. */
#include "config.h"

#include <vips/vips.h>

#include "at-test-util.h"

/* A 1200 × 800 PNG, black, with a white block at x 1000–1099, y 700–799. */
static char *
make_original (const char *dir)
{
  g_autoptr(VipsImage) black = NULL;
  g_autoptr(VipsImage) rgb = NULL;
  char *path = g_build_filename (dir, "original.png", NULL);
  double white[] = { 255, 255, 255 };

  g_assert_cmpint (vips_black (&black, 1200, 800, "bands", 3, NULL), ==, 0);
  g_assert_cmpint (vips_cast_uchar (black, &rgb, NULL), ==, 0);
  g_assert_cmpint (vips_draw_rect (rgb, white, 3, 1000, 700, 100, 100, "fill", TRUE, NULL), ==, 0);
  g_assert_cmpint (vips_image_write_to_file (rgb, path, NULL), ==, 0);
  return path;
}

static void
test_render_region (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = at_test_make_tmpdir ();
  g_autofree char *original = make_original (dir);
  g_autoptr(GBytes) block = NULL;
  g_autoptr(GBytes) all = NULL;
  g_autofree char *missing = g_build_filename (dir, "gone.jpg", NULL);
  const guint8 *p;
  gsize len;
  int w, h;

  /* centred on the white block: every pixel white */
  block = at_preview_render_region (original, 1050.0 / 1200, 750.0 / 800, 100, 100, &w, &h, &error);
  g_assert_no_error (error);
  g_assert_cmpint (w, ==, 100);
  g_assert_cmpint (h, ==, 100);
  p = g_bytes_get_data (block, &len);
  g_assert_cmpuint (len, ==, 100 * 100 * 3);
  for (gsize i = 0; i < len; i++)
    g_assert_cmpuint (p[i], ==, 255);

  /* a view larger than the photo gets the whole photo, at 100 % */
  all = at_preview_render_region (original, 0.5, 0.5, 4000, 3000, &w, &h, &error);
  g_assert_no_error (error);
  g_assert_cmpint (w, ==, 1200);
  g_assert_cmpint (h, ==, 800);
  p = g_bytes_get_data (all, &len);
  g_assert_cmpuint (p[0], ==, 0);
  g_assert_cmpuint (p[(750 * 1200 + 1050) * 3], ==, 255);

  /* near the edge: the region slides inside the photo */
  g_clear_pointer (&block, g_bytes_unref);
  block = at_preview_render_region (original, 1.0, 1.0, 100, 100, &w, &h, &error);
  g_assert_no_error (error);
  g_assert_cmpint (w, ==, 100);
  g_assert_cmpint (h, ==, 100);
  p = g_bytes_get_data (block, &len);
  /* it covers x 1100–1199, y 700–799: black, beside the block */
  g_assert_cmpuint (p[0], ==, 0);

  g_assert_null (at_preview_render_region (missing, 0.5, 0.5, 10, 10, &w, &h, &error));
  g_assert_nonnull (error);
  at_test_rm_rf (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  at_test_allow_vips_warnings ();
  g_assert_true (at_vips_init (NULL));
  g_test_add_func ("/media/render-region", test_render_region);
  return g_test_run ();
}
