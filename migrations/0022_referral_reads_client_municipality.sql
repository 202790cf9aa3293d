-- A municipality that names a client by intake's client id in a referral
-- must name one of its own clients: referral checks which municipality the
-- id belongs to (and answers "no such client" alike for another
-- municipality's and for none, so the check tells the sender nothing).
-- Only these two columns, as groups has them (0008).
GRANT SELECT (client_id, municipality) ON intake.clients TO referral;
