"""教学资源 → 批量导入: the office and workshop leads import a spreadsheet of resources in the
admin. The file is checked row by row by the importer the shell uses (content/importing.py),
previewed with every row's problems, and on confirmation written by a background job, all or
nothing, with its progress shown:

- access.py: who may import, and into which sections;
- views.py: upload, preview, confirm, status (and its JSON), the template download;
- jobs.py: the job, and the published write with its indexing that `import_resources` shares;
- template.py: the XLSX template, with drop-down lists for the taxonomy columns.
"""
