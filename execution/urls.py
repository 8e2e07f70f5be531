app_name = "execution"

urlpatterns = []
