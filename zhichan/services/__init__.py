"""Public services (一窗口统办): the service catalogue, online applications with generated decision
documents, priority-examination recommendations (令85号) with provincial quotas."""
