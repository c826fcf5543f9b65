# Fine-tuning: client.fine_tuning.jobs.create / list / retrieve / cancel / list_events and
# client.fine_tuning.jobs.checkpoints.list
from ._api import Resource


class Checkpoints(Resource):
    path = "/fine_tuning/jobs"

    def list(self, fine_tuning_job_id, **params):
        return self._list((fine_tuning_job_id, "checkpoints"), params)


class Jobs(Resource):
    path = "/fine_tuning/jobs"

    def __init__(self, client):
        Resource.__init__(self, client)
        self.checkpoints = Checkpoints(client)

    def create(self, *, model, training_file, **params):
        params["model"] = model
        params["training_file"] = training_file
        return self._call("POST", (), params)

    def list(self, **params):
        return self._list((), params)

    def retrieve(self, fine_tuning_job_id, **options):
        return self._call("GET", (fine_tuning_job_id,), None, **options)

    def cancel(self, fine_tuning_job_id, **options):
        return self._call("POST", (fine_tuning_job_id, "cancel"), None, **options)

    def list_events(self, fine_tuning_job_id, **params):
        return self._list((fine_tuning_job_id, "events"), params)


class FineTuning:
    def __init__(self, client):
        self.jobs = Jobs(client)


def service(client):
    return FineTuning(client)
