/* at-demo-studio.c — a believable small studio around one wedding.
 *
 * Six couples at different points of the pipeline (inquiry to delivered),
 * three packages, contracts with deposits and balances, a wedding day
 * schedule for two photographers, availability and milestones. Everything
 * is relative to the wedding on AT_DEMO_WEDDING_DATE.
 */
#define G_LOG_DOMAIN "atelier-demo"

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "at-demo-studio.h"

#define NEW_KEY(buf) at_uuid_v7_generate (buf)
typedef char Key[AT_UUID_STRING_LEN + 1];

gboolean
at_demo_studio_exists (AtSqlConn  *conn,
                       GError    **error)
{
  g_autoptr(AtSqlStmt) stmt = at_sql_conn_prepare (conn,
      "SELECT count(*) FROM studios WHERE name = ?1", error);

  if (stmt == NULL)
    return FALSE;
  at_sql_bind_text (stmt, 1, AT_DEMO_STUDIO_NAME);
  return sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_int (stmt, 0) > 0;
}

typedef struct
{
  const char *primary, *partner, *email, *phone, *source, *lead;
  const char *project_type, *project_status, *event_date, *venue;
  int package;        /* index into packages, -1 for none */
  const char *contract_status;
} DemoCouple;

static const DemoCouple couples[] = {
  { "Elin Lindqvist", "Daniel Okafor", "elin.daniel@example.org", "+46 70 123 45 67", "Instagram",
    "contracted", "wedding", "editing", AT_DEMO_WEDDING_DATE, "Ulriksdals Slott, Solna", 2, "active" },
  { "Sofia Marin", "Lucas Marin", "marin.family@example.org", "+46 73 555 01 02", "Referral",
    "completed", "family", "delivered", "2026-04-18", "Hagaparken", 0, "completed" },
  { "Amira Haddad", "Jonas Vik", "amira.jonas@example.org", "+46 72 300 40 50", "Wedding fair",
    "contracted", "pre_wedding", "scheduled", "2026-12-05", "Gamla stan", 1, "signed" },
  { "Hanna Berg", "Oskar Nyström", "hanna.oskar@example.org", "+46 76 808 90 10", "Website",
    "proposal", "wedding", "scheduled", "2027-05-22", "Artipelag, Värmdö", 1, "sent" },
  { "Ines Costa", NULL, "ines.costa@example.org", "+46 70 999 12 12", "Google",
    "consultation", "portrait", "scheduled", "2026-12-12", "Studio", -1, NULL },
  { "Mei Chen", "Erik Sund", "mei.erik@example.org", "+46 73 222 33 44", "Instagram",
    "inquiry", "wedding", "scheduled", "2027-08-14", "Grand Hôtel, Stockholm", -1, NULL },
};

static const struct { const char *name; int price; int photos; double hours; const char *desc; } packages[] = {
  { "Essentials", 180000, 300, 4, "Ceremony and portraits, online gallery" },
  { "Signature",  320000, 600, 8, "Getting ready to first dance, proof selection, 40 retouched images" },
  { "Heirloom",   520000, 900, 12, "Two photographers all day, album, 80 retouched images, USB box" },
};

static gboolean
write_staff (AtSqlConn  *conn,
             AtDemoKeys *keys,
             char       *manager,
             char       *editor,
             GError    **error)
{
  static const char sql[] =
    "INSERT INTO staff (id, studio_id, full_name, email, role, specialties, experience_years, home_base) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'Stockholm')";

  NEW_KEY (manager); NEW_KEY (editor);
  NEW_KEY (keys->lead_photographer); NEW_KEY (keys->second_shooter);
  return at_sql_exec_bound (conn, error, sql, "ttttttn", manager, keys->studio, "Maja Lindholm",
                            "maja@atelier-lumiere.example", "manager", NULL) &&
         at_sql_exec_bound (conn, error, sql, "tttttti", keys->lead_photographer, keys->studio,
                            "Jonas Berg", "jonas@atelier-lumiere.example", "photographer",
                            "weddings,portraits", 11) &&
         at_sql_exec_bound (conn, error, sql, "tttttti", keys->second_shooter, keys->studio,
                            "Aiko Tanaka", "aiko@atelier-lumiere.example", "photographer",
                            "documentary,events", 4) &&
         at_sql_exec_bound (conn, error, sql, "tttttti", editor, keys->studio, "Priya Nair",
                            "priya@atelier-lumiere.example", "editor", "retouching,colour", 7);
}

/* "2026-06-13" shifted by @days, as the same format. */
static char *
shift_date (const char *iso_date,
            int         days)
{
  GDate d;
  char buf[16];

  g_date_clear (&d, 1);
  g_date_set_parse (&d, iso_date);
  if (!g_date_valid (&d))
    return g_strdup (iso_date);
  if (days >= 0)
    g_date_add_days (&d, (guint) days);
  else
    g_date_subtract_days (&d, (guint) -days);
  g_date_strftime (buf, sizeof buf, "%Y-%m-%d", &d);
  return g_strdup (buf);
}

static gboolean
write_payments (AtSqlConn        *conn,
                const char       *contract,
                const DemoCouple *d,
                int               total,
                int               deposit,
                GError          **error)
{
  static const char sql[] =
    "INSERT INTO payments (id, contract_id, payment_type, amount_cents, currency, payment_method, "
    "status, paid_at, due_at, transaction_ref) VALUES (?1, ?2, ?3, ?4, 'SEK', ?5, ?6, ?7, ?8, ?9)";
  gboolean completed = g_str_equal (d->contract_status, "completed");
  g_autofree char *balance_due = shift_date (d->event_date, -30);
  g_autofree char *balance_paid = completed ? shift_date (d->event_date, -28) : NULL;
  g_autofree char *balance_paid_at = balance_paid ? g_strconcat (balance_paid, "T09:30:00.000Z", NULL) : NULL;
  Key dep, bal;

  NEW_KEY (dep); NEW_KEY (bal);
  return at_sql_exec_bound (conn, error, sql, "tttitttnt", dep, contract, "deposit", deposit,
                            "bank transfer", "completed", "2025-11-06T08:15:00.000Z", "BG 5531-0042") &&
         at_sql_exec_bound (conn, error, sql, "tttitttt" "t", bal, contract, "balance", total - deposit,
                            "card", completed ? "completed" : "pending", balance_paid_at, balance_due,
                            completed ? "CARD 88-31-0912" : NULL);
}

static gboolean
write_couple (AtSqlConn        *conn,
              AtDemoKeys       *keys,
              guint             index,
              const char       *manager,
              const char       *editor,
              Key              *package_ids,
              char             *project,
              GError          **error)
{
  const DemoCouple *d = &couples[index];
  Key customer, contract;
  const char *contract_key = NULL;
  g_autofree char *number = g_strdup_printf ("LUM-2026-%03u", index + 1);
  g_autofree char *pnumber = g_strdup_printf ("P-2026-%03u", index + 1);
  g_autofree char *job_code = g_strdup_printf ("%c%c%03u", g_ascii_toupper (d->primary[0]),
                                               g_ascii_toupper (d->partner ? d->partner[0] : d->primary[1]),
                                               index + 1);
  const char *kind = g_str_equal (d->project_type, "wedding") ? "wedding" :
                     g_str_equal (d->project_type, "family") ? "family session" :
                     g_str_equal (d->project_type, "portrait") ? "portraits" : "engagement shoot";
  g_autofree char *name = d->partner
    ? g_strdup_printf ("%s & %s %s", strchr (d->primary, ' ') + 1, strchr (d->partner, ' ') + 1, kind)
    : g_strdup_printf ("%s %s", d->primary, kind);

  NEW_KEY (customer);
  if (!at_sql_exec_bound (conn, error,
        "INSERT INTO customers (id, studio_id, primary_name, partner_name, email, phone, source_channel, "
        "lead_status, assigned_manager_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        "ttttttttt", customer, keys->studio, d->primary, d->partner, d->email, d->phone,
        d->source, d->lead, manager))
    return FALSE;

  if (d->package >= 0)
    {
      int total = packages[d->package].price;
      int deposit = total * 30 / 100;
      gboolean completed = g_str_equal (d->contract_status, "completed");
      gboolean signed_ = !g_str_equal (d->contract_status, "sent");

      NEW_KEY (contract);
      contract_key = contract;
      if (!at_sql_exec_bound (conn, error,
            "INSERT INTO contracts (id, studio_id, contract_number, customer_id, package_id, total_cents, "
            "deposit_cents, balance_cents, currency, status, contract_date, signed_at, signed_by_client, terms, "
            "refund_policy) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'SEK', ?9, ?10, ?11, ?12, ?13, ?14)",
            "tttttiiitttitt", contract, keys->studio, number, customer, package_ids[d->package],
            total, deposit, completed ? 0 : total - deposit, d->contract_status, "2025-11-03",
            signed_ ? "2025-11-05T10:12:00.000Z" : NULL, signed_ ? 1 : 0,
            "The deposit reserves the date and is not refundable within 90 days of the event.",
            "{\"before_days\": 90, \"refund_percent\": 50}"))
        return FALSE;
      if (signed_ && !write_payments (conn, contract, d, total, deposit, error))
        return FALSE;
    }

  NEW_KEY (project);
  return at_sql_exec_bound (conn, error,
        "INSERT INTO projects (id, studio_id, project_number, name, job_code, customer_id, contract_id, "
        "project_type, status, event_date, event_time, timezone, venue, special_requests, "
        "assigned_photographer_id, assigned_editor_id) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, 'Europe/Stockholm', ?12, ?13, ?14, ?15)",
        "ttttttttttttttt", project, keys->studio, pnumber, name, job_code, customer, contract_key,
        d->project_type, d->project_status, d->event_date, "13:00", d->venue,
        index == 0 ? "Grandmother Astrid must be in the family group; no flash during the vows." : NULL,
        index % 2 == 0 ? keys->lead_photographer : keys->second_shooter, editor);
}

/* The wedding day: who shoots what when, the deadlines after it, and the
 * two cards that came back from it. */
static gboolean
write_wedding_day (AtSqlConn   *conn,
                   AtDemoKeys  *keys,
                   const char  *library_root,
                   const char  *wedding_folder,
                   GError     **error)
{
  static const char sched_sql[] =
    "INSERT INTO shooting_schedules (id, project_id, schedule_type, start_at, end_at, location, "
    "travel_time_minutes, photographer_id, status, equipment_notes) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'confirmed', ?9)";
  static const struct { const char *type, *start, *end, *place; int travel; gboolean second; const char *kit; } slots[] = {
    { "makeup",    "07:00", "09:30", "Hotel Rival, suite 512", 25, TRUE,  "35mm, window light" },
    { "ceremony",  "11:00", "12:00", "Ulriksdals slottskapell", 20, FALSE, "70-200, silent shutter" },
    { "main_shoot","12:00", "15:30", "Ulriksdals Slott gardens", 0, FALSE, "reflector, 85mm" },
    { "reception", "16:00", "21:30", "Ulriksdals Wärdshus", 5, TRUE, "two flashes, 24-70" },
  };
  static const char *const milestones[][2] = {
    { "contract_signed", "2025-11-05" }, { "deposit_paid", "2025-11-06" },
    { "shoot_completed", AT_DEMO_WEDDING_DATE }, { "proofs_sent", "2026-06-27" },
    { "selection_received", "2026-07-11" }, { "editing_completed", "2026-08-01" },
    { "delivered", "2026-08-08" },
  };
  static const char *const card_labels[] = { "EOS_DIGITAL (Jonas)", "EOS_DIGITAL (Aiko)" };
  Key id, schedule0 = "";

  for (guint i = 0; i < G_N_ELEMENTS (slots); i++)
    {
      /* The schedule stores UTC; the wedding is at +02:00. */
      g_autofree char *start = g_strdup_printf (AT_DEMO_WEDDING_DATE "T%02d:%s:00.000Z",
                                                atoi (slots[i].start) - 2, slots[i].start + 3);
      g_autofree char *end = g_strdup_printf (AT_DEMO_WEDDING_DATE "T%02d:%s:00.000Z",
                                              atoi (slots[i].end) - 2, slots[i].end + 3);
      NEW_KEY (id);
      if (i == 0)
        memcpy (schedule0, id, sizeof id);
      if (!at_sql_exec_bound (conn, error, sched_sql, "ttttttitt", id, keys->wedding, slots[i].type,
                              start, end, slots[i].place, slots[i].travel,
                              slots[i].second ? keys->second_shooter : keys->lead_photographer, slots[i].kit))
        return FALSE;
    }

  NEW_KEY (id);
  if (!at_sql_exec_bound (conn, error,
        "INSERT INTO schedule_assistants (id, schedule_id, staff_id) VALUES (?1, ?2, ?3)",
        "ttt", id, schedule0, keys->lead_photographer))
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (milestones); i++)
    {
      /* the wedding is in editing: everything up to the client's selection is done */
      gboolean reached = g_strcmp0 (milestones[i][1], "2026-07-11") <= 0;
      g_autofree char *reached_at = reached ? g_strconcat (milestones[i][1], "T18:00:00.000Z", NULL) : NULL;
      NEW_KEY (id);
      if (!at_sql_exec_bound (conn, error,
            "INSERT INTO project_milestones (id, project_id, milestone_type, target_date, reached_at) "
            "VALUES (?1, ?2, ?3, ?4, ?5)",
            "ttttt", id, keys->wedding, milestones[i][0], milestones[i][1], reached_at))
        return FALSE;
    }

  /* Aiko is away the week after; Jonas has a morning off before the wedding. */
  NEW_KEY (id);
  if (!at_sql_exec_bound (conn, error,
        "INSERT INTO photographer_availability (id, photographer_id, date, slot_start, slot_end, is_available, reason) "
        "VALUES (?1, ?2, ?3, NULL, NULL, 0, ?4)",
        "tttt", id, keys->second_shooter, "2026-06-20", "Holiday"))
    return FALSE;
  NEW_KEY (id);
  if (!at_sql_exec_bound (conn, error,
        "INSERT INTO photographer_availability (id, photographer_id, date, slot_start, slot_end, is_available, reason) "
        "VALUES (?1, ?2, ?3, '08:00', '12:00', 0, ?4)",
        "tttt", id, keys->lead_photographer, "2026-06-12", "Equipment service"))
    return FALSE;

  NEW_KEY (keys->raw_album);
  if (!at_sql_exec_bound (conn, error,
        "INSERT INTO albums (id, project_id, album_type, name, storage_location, upload_status) "
        "VALUES (?1, ?2, 'raw', ?3, ?4, 'pending')",
        "tttt", keys->raw_album, keys->wedding, "All frames", wedding_folder))
    return FALSE;

  for (guint i = 0; i < 2; i++)
    {
      NEW_KEY (keys->card_session[i]);
      if (!at_sql_exec_bound (conn, error,
            "INSERT INTO ingest_sessions (id, project_id, operator_id, source_label, source_path, library_root, "
            "file_template, folder_template, status, started_at, finished_at) "
            "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'completed', ?9, ?10)",
            "tttttttttt", keys->card_session[i], keys->wedding,
            i == 0 ? keys->lead_photographer : keys->second_shooter, card_labels[i],
            i == 0 ? "/media/card-a/DCIM" : "/media/card-b/DCIM", library_root,
            "{date}-{time}-{subsec}_{body}_{original}", "{year}/{date}_{job}",
            AT_DEMO_WEDDING_DATE "T20:05:00.000Z", AT_DEMO_WEDDING_DATE "T20:41:00.000Z"))
        return FALSE;
    }
  return TRUE;
}

gboolean
at_demo_studio_write (AtSqlConn   *conn,
                      const char  *library_root,
                      const char  *wedding_folder,
                      AtDemoKeys  *keys,
                      GError     **error)
{
  Key manager, editor, package_ids[G_N_ELEMENTS (packages)];

  NEW_KEY (keys->studio);
  if (!at_sql_exec_bound (conn, error,
        "INSERT INTO studios (id, name, timezone, currency, locale, email, phone, address) "
        "VALUES (?1, ?2, 'Europe/Stockholm', 'SEK', 'sv', 'hello@atelier-lumiere.example', "
        "'+46 8 555 010 00', 'Hornsgatan 12, 118 20 Stockholm')",
        "tt", keys->studio, AT_DEMO_STUDIO_NAME))
    return FALSE;
  if (!write_staff (conn, keys, manager, editor, error))
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (packages); i++)
    {
      NEW_KEY (package_ids[i]);
      if (!at_sql_exec_bound (conn, error,
            "INSERT INTO packages (id, studio_id, name, description, price_cents, currency, photo_count, coverage_hours) "
            "VALUES (?1, ?2, ?3, ?4, ?5, 'SEK', ?6, ?7)",
            "ttttiid", package_ids[i], keys->studio, packages[i].name, packages[i].desc,
            packages[i].price, packages[i].photos, packages[i].hours))
        return FALSE;
    }

  for (guint c = 0; c < G_N_ELEMENTS (couples); c++)
    {
      Key project;
      if (!write_couple (conn, keys, c, manager, editor, package_ids, project, error))
        return FALSE;
      if (c == 0)
        memcpy (keys->wedding, project, sizeof project);
    }

  return write_wedding_day (conn, keys, library_root, wedding_folder, error);
}
