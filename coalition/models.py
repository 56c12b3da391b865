# The coalition's partners, working groups and meetings arrive with the grant-outcomes work.
