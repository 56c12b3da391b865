app_name = "coalition"

# Partners, working groups and meetings arrive with the grant-outcomes work.
urlpatterns: list = []
