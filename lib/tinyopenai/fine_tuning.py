# Fine-tuning: client.fine_tuning.jobs.create / list / retrieve / cancel / list_events and
# client.fine_tuning.jobs.checkpoints.list
from ._api import Resource


class Checkpoints(Resource):
    path = "/fine_tuning/jobs"

    def list(self, fine_tuning_job_id, **params):
        return self._list((fine_tuning_job_id, "checkpoints"), **params)


class Jobs(Resource):
    path = "/fine_tuning/jobs"
    required = ("model", "training_file")
    create = Resource.create_one
    list = Resource.list_all
    retrieve = Resource.retrieve_one
    cancel = Resource.cancel_one

    def __init__(self, client):
        Resource.__init__(self, client)
        self.checkpoints = Checkpoints(client)

    def list_events(self, fine_tuning_job_id, **params):
        return self._list((fine_tuning_job_id, "events"), **params)


class FineTuning:
    def __init__(self, client):
        self.jobs = Jobs(client)


def service(client):
    return FineTuning(client)
