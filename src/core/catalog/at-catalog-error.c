#include "config.h"

#include "at-catalog-error.h"

G_DEFINE_QUARK (at-catalog-error-quark, at_catalog_error)
