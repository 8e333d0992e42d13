"""Who may see and run validations: core's rules on the resource."""
import pytest
from ckan.logic import NotAuthorized
from ckan.tests import factories, helpers

from .conftest import VALID


@pytest.mark.usefixtures("clean_db")
class TestAuth:
    def test_anyone_sees_the_report_of_a_public_file(self, app, add_file):
        resource = add_file(VALID)
        body = app.get("/api/3/action/resource_validation_show",
                       query_string={"resource_id": resource["id"]}).json
        assert body["result"]["status"] == "success"

    def test_only_editors_run_a_validation(self, add_file):
        resource = add_file(VALID)
        stranger = factories.User()
        with pytest.raises(NotAuthorized):
            helpers.call_action("resource_validation_run",
                                context={"user": stranger["name"], "ignore_auth": False},
                                resource_id=resource["id"])
        with pytest.raises(NotAuthorized):
            helpers.call_action("resource_validation_delete",
                                context={"user": stranger["name"], "ignore_auth": False},
                                resource_id=resource["id"])

    def test_the_report_of_a_private_file_is_private(self, app, editor, subventions, add_file):
        helpers.call_action("package_patch", context={"user": editor["name"]},
                            id=subventions["id"], private=True)
        resource = add_file(VALID)
        app.get("/api/3/action/resource_validation_show",
                query_string={"resource_id": resource["id"]}, status=403)
