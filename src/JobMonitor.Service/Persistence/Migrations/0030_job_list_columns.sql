-- The job list filters on natures and shows owner and approvers (for approve/reject in allowedActions) without
-- reading the jsonb document: the saga repository writes them as columns from now on, existing rows are filled here.
ALTER TABLE jobmonitor.jobs
    ADD COLUMN natures   text[] NOT NULL DEFAULT '{}',
    ADD COLUMN owner     text NULL,
    ADD COLUMN approvers text[] NOT NULL DEFAULT '{}';

UPDATE jobmonitor.jobs SET
    natures = COALESCE(ARRAY(SELECT jsonb_array_elements_text(
        CASE WHEN jsonb_typeof(data -> 'natures') = 'array' THEN data -> 'natures' ELSE '[]'::jsonb END)), '{}'),
    owner = data ->> 'owner',
    approvers = ARRAY(SELECT jsonb_array_elements_text(jsonb_path_query_array(
        data, '$.pipeline.pre[*] ? (@.kind == "Approval").params.approvers[*]')));
