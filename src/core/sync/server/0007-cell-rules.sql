-- Version 7: the rules of a merge hold for every writer of sync_cell.
--
-- Atelier's push checks them in the SQL it sends, but a workstation's role
-- may write the table itself (psql, a script, an older build), and one far
-- future clock would win its field studio-wide for good. So the table
-- keeps them: a clock more than five minutes ahead of the server's is
-- refused (SQLSTATE AT002); a new value with no newer (hlc, node) than the
-- field's changes nothing (last writer wins: workstations that have the
-- field would not take it either, and part from the server); and a change
-- that left its feed position as it was takes a new one, else workstations
-- already past it would never read it. A value rewritten by hand, or by a
-- later version's script, therefore moves its clock on too. Each
-- trigger's WHEN is tested in place, so a merge that keeps the rules calls
-- no function.

CREATE FUNCTION atelier_refuse_ahead () RETURNS trigger
  LANGUAGE plpgsql SET search_path = pg_catalog, public
  AS $$
BEGIN
  RAISE EXCEPTION 'a change to % of % is dated more than five minutes ahead of the server''s clock: set the workstation''s date and time right',
    NEW.col, NEW.tbl USING ERRCODE = 'AT002';
END $$;

CREATE FUNCTION atelier_keep_newer () RETURNS trigger
  LANGUAGE plpgsql SET search_path = pg_catalog, public
  AS $$
BEGIN
  RETURN NULL;
END $$;

CREATE FUNCTION atelier_feed_again () RETURNS trigger
  LANGUAGE plpgsql SET search_path = pg_catalog, public
  AS $$
BEGIN
  NEW.xid := pg_current_xact_id ();
  NEW.seq := nextval ('public.sync_seq');
  RETURN NEW;
END $$;

-- (fired in the order of their names: a refused or stale change is out
-- before it is given a place in the feed. A clock already far ahead, from
-- before this version, is no reason to refuse a change that keeps it:
-- `server migrate` renumbers cells so.)
CREATE TRIGGER sync_cell_1_ahead BEFORE INSERT ON sync_cell FOR EACH ROW
  WHEN (NEW.hlc > ((extract (epoch FROM statement_timestamp ()) * 1000)::bigint + 300000) << 16)
  EXECUTE FUNCTION atelier_refuse_ahead ();
CREATE TRIGGER sync_cell_1_ahead_again BEFORE UPDATE ON sync_cell FOR EACH ROW
  WHEN (NEW.hlc > ((extract (epoch FROM statement_timestamp ()) * 1000)::bigint + 300000) << 16 AND NEW.hlc <> OLD.hlc)
  EXECUTE FUNCTION atelier_refuse_ahead ();
-- (an older clock changes nothing even with the same value: a clock moved
-- back would let older values in that workstations holding the newer
-- clock refuse)
CREATE TRIGGER sync_cell_2_newer BEFORE UPDATE ON sync_cell FOR EACH ROW
  WHEN ((NEW.hlc, NEW.node) < (OLD.hlc, OLD.node)
        OR ((NEW.hlc, NEW.node) = (OLD.hlc, OLD.node) AND NEW.val IS DISTINCT FROM OLD.val))
  EXECUTE FUNCTION atelier_keep_newer ();
CREATE TRIGGER sync_cell_3_feed BEFORE UPDATE ON sync_cell FOR EACH ROW
  WHEN (NEW.xid = OLD.xid)
  EXECUTE FUNCTION atelier_feed_again ();
